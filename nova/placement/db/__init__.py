"""The placement database: its tables, engine and schema migrations."""
