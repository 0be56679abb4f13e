"""State: typed models, the session factory and migrations. Imports only ``config`` of ours."""
