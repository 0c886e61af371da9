"""Test-only support code (reference tools the tests check tapfix's output against)."""
