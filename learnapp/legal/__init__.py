"""The pages German law asks of the operator: Impressum, privacy notice, accessibility statement.

The operator writes them as Markdown in `instance/pages/`; until then a default says what is
missing. The privacy notice's list of stored data comes from `stored_data.py`, which a test
holds to the models, so the notice cannot fall behind the database.
"""
