"""The records worker: consumes medical records from Kafka and writes results to Redis."""
