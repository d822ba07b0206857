"""cskpi_xl: customer-service (客服) performance appraisal in the spreadsheets shops already use."""

__version__ = "0.1.0"
