"""The programme and its plan: the station's programme, the government units with their sections
and contacts, and each unit's on-air session (date, topic, guests, prepared material and Q&A),
including the yearly schedule import and the session's life from scheduled to live to ended."""
