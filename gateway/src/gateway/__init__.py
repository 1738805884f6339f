"""The gateway: the one public entry to the Petstore API."""
