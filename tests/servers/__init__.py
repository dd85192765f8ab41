"""Local servers the test suite talks to: a fake OpenAI-compatible provider, the OSS gateway and Prism."""
