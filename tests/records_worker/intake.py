"""Settings that point the pets service and the worker at the same topic, group and keys."""

import uuid
from typing import Any

from pets_service.settings import Settings as PetsSettings
from records_worker.settings import Settings as WorkerSettings
from tests.pets_service.helpers import BASE
from tests.support import TEST_SECRET


def pets_settings(
    redis_url: str, key_prefix: str, bootstrap: str, **overrides: Any
) -> PetsSettings:
    topic = f"records-{uuid.uuid4().hex[:10]}"
    values: dict[str, Any] = {
        "redis_url": redis_url,
        "redis_key_prefix": key_prefix,
        "jwt_secret": TEST_SECRET,
        "problem_base_url": BASE,
        "kafka_bootstrap_servers": bootstrap,
        "medical_records_topic": topic,
        "medical_records_dlq_topic": f"{topic}.dlq",
        "kafka_timeout_ms": 2000,
        **overrides,
    }
    return PetsSettings(**values)


def worker_settings(pets: PetsSettings, **overrides: Any) -> WorkerSettings:
    values: dict[str, Any] = {
        "redis_url": pets.redis_url,
        "redis_key_prefix": pets.redis_key_prefix,
        "kafka_bootstrap_servers": pets.kafka_bootstrap_servers,
        "topic": pets.medical_records_topic,
        "dlq_topic": pets.medical_records_dlq_topic,
        "consumer_group": f"group-{pets.medical_records_topic}",
        "processing_delay_ms": 5,
        "problem_base_url": BASE,
        "session_timeout_ms": 2000,
        "shutdown_timeout": 5.0,
        **overrides,
    }
    return WorkerSettings(**values)


def vaccination_body(**fields: Any) -> dict[str, Any]:
    return {"type": "VACCINATION", "date": "2025-03-01", "vaccine": "Rabies", **fields}


def pets_env(pets: PetsSettings) -> dict[str, str]:
    """The environment that starts the pets service with these settings."""
    return {
        "REDIS_URL": pets.redis_url,
        "REDIS_KEY_PREFIX": pets.redis_key_prefix,
        "KAFKA_BOOTSTRAP_SERVERS": pets.kafka_bootstrap_servers,
        "MEDICAL_RECORDS_TOPIC": pets.medical_records_topic,
        "MEDICAL_RECORDS_DLQ_TOPIC": pets.medical_records_dlq_topic,
        "KAFKA_TIMEOUT_MS": str(pets.kafka_timeout_ms),
        "RECORD_REPUBLISH_AFTER_SECONDS": str(pets.record_republish_after_seconds),
        "PETSTORE_JWT_SECRET": pets.jwt_secret,
        "PROBLEM_BASE_URL": pets.problem_base_url,
    }


def worker_env(worker: WorkerSettings) -> dict[str, str]:
    """The environment that starts the records worker with these settings."""
    return {
        "REDIS_URL": worker.redis_url,
        "REDIS_KEY_PREFIX": worker.redis_key_prefix,
        "KAFKA_BOOTSTRAP_SERVERS": worker.kafka_bootstrap_servers,
        "MEDICAL_RECORDS_TOPIC": worker.topic,
        "MEDICAL_RECORDS_DLQ_TOPIC": worker.dlq_topic,
        "RECORDS_CONSUMER_GROUP": worker.consumer_group,
        "RECORD_PROCESSING_DELAY_MS": str(worker.processing_delay_ms),
        "KAFKA_SESSION_TIMEOUT_MS": str(worker.session_timeout_ms),
        "PROBLEM_BASE_URL": worker.problem_base_url,
    }
