"""One module per conversation; thin: read the update, call the domain, render copy."""
