"""After the show: follow-up cases (转办件) with deadlines, callbacks, supervision and scores."""
