"""Laws every score obeys, whatever the record: property tests over generated records."""
