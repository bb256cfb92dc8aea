"""Personal data handling: ID-number rules, encryption, masking and log redaction."""
