"""Understanding Chinese text: scripts, normalisation, tokenisation, classification. Pure functions over text."""
