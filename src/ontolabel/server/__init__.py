"""The FastAPI app: thin routes over services, authentication, error mapping, the built UI."""
