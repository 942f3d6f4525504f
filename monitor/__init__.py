"""medradar's command line, configuration and (soon) the scheduling daemon."""
