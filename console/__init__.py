"""The seats of a live show: the call queue and caller cards (producer), the on-air order and
chat (host), the officials' screen, the clerk's record of answers and commitments, the public
web channel, the block list, the session summary, and the real-time rooms that keep every seat
of a session in step. It also receives the line server's events over the documented protocol."""
