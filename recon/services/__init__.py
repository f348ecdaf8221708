"""Services: every rule about money and state, once. They take a session and never commit."""
