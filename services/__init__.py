"""The programme's rules as plain functions and small classes. Imports db, nlp and config; never telegram."""
