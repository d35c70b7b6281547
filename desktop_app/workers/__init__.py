"""Qt without widgets: the task manager model, results models and thread workers."""
