"""The reconciliation service: HTTP in front of the ``reconcile`` engine, with a persistent store.

``api.app.create_app(settings)`` builds the FastAPI application; ``reconcile serve`` runs it. Routes translate
HTTP to calls on ``api.store.Store``, which holds every transaction; the engine itself stays pure.
"""
