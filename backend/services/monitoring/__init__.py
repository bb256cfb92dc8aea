"""Monitoring and early warning (监测预警): the monitored population, cross-check imports,
the rule table and the alerts staff work through.

Importing this package registers the population's status hook on the case review service.
"""

from backend.services.monitoring import population as population  # registers the hook
