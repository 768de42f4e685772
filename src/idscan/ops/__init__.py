"""Operations: health, readiness, metrics and structured logging."""
