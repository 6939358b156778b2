"""What every part of the console shares: extensions, the database base, people and their roles,
the JSON API conventions, real-time publishing and the interface language."""
