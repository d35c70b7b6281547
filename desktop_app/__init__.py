"""StockScan: a desktop scanner, chart and analysis tool for Chinese A-shares."""

__version__ = "0.1.0"
APP_NAME = "StockScan"
ORG_NAME = "StockScan"
ORG_DOMAIN = "stockscan.local"
