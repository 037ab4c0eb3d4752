"""Repository modules: the only places that hold SQL, one per table or close group of tables."""
