"""Tandems: a mentor and a learner who meet. Planning and recording sessions (planning),
the calendar file (calendar), the learner's view of them (home) and the queries of pairings
and of a learner's learning that mentors and coordinators share (queries).

Pairing and unpairing are the coordinator's decisions: see coordinate.services.
"""
