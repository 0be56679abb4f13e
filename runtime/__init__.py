"""Wiring between python-telegram-bot and the services: persistence, update processing, logging, run modes."""
