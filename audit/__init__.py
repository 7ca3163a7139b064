"""Independent verification of an exported record. Imports only ``tally``."""
