"""The CRM: users and tokens, object types, records and their durable change events, demo data.

Below engine/ and web/: it imports neither. The engine reacts to the event rows a record write leaves."""
