"""Between: a Telegram companion for the homework between therapy sessions."""
