"""The content as data (feelings wheel, techniques, crisis lines, ...), validated at start-up."""
