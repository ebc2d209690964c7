"""Bahasa Indonesia display formats: one date format, one time format (see ../en/formats.py)."""

DATE_FORMAT = "j F Y"  # 29 September 2026, month names translated by Django
TIME_FORMAT = "H.i"
DATETIME_FORMAT = "j F Y, H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H.i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
