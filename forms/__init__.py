"""Form definitions, field types and validation rules. No Qt, no database."""
