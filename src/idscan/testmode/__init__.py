"""Test mode: specimen documents and scripted outcomes, run through the real pipeline."""
