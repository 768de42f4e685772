"""The processing pipeline: durable jobs that run the engines on what the end user sent."""
