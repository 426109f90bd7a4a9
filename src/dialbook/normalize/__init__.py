"""Pure normalization functions: phones, emails, names, dates, time zones, custom fields.

Nothing here touches the database or the network; the API, the importer and the dialects
all call the same functions.
"""
