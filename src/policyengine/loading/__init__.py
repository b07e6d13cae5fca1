"""Reading files: bytes -> located YAML trees -> scenario and rule-pack documents (no validation)."""
