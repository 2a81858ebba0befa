"""Credit policy service: rules as data, decisions as records."""
