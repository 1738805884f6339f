"""What every Petstore service needs the same way."""
