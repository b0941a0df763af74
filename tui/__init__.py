"""The Textual app: the caseload an officer lives in. Only ``cli`` (on demand) and tests import it."""
