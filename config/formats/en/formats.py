"""English display formats: one date format, one time format (Django's format-module lookup).

``{{ value|date }}`` renders DATE_FORMAT, ``{{ value|time }}`` TIME_FORMAT; templates pass no
format argument so every page shows dates the same way. Input formats stay Django's defaults.
"""

DATE_FORMAT = "j F Y"  # 29 September 2026
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
