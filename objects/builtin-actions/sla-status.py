#!/usr/bin/env python3
import os
from datetime import datetime, date
opened = os.environ.get("OPENED_DATE")
first_response = os.environ.get("FIRST_RESPONSE_DATE")
priority = os.environ.get("PRIORITY")
if not opened:
    print('{"type":"error","message":"No opened date found"}')
    exit(1)
opened_dt = datetime.strptime(opened, "%Y-%m-%d")
now = datetime.now()
hours_open = (now - opened_dt).total_seconds() / 3600
sla_targets = {
    "P1 - Critical": 0.5, # 30 minutes
    "P2 - High": 4, # 4 hours
    "P3 - Medium": 24, # 24 hours
    "P4 - Low": 72, # 72 hours
}
target = sla_targets.get(priority, 24)
status = "BREACHED" if hours_open > target and not first_response else "Within SLA"
print(f'{{"type":"status","message":"SLA Status: {status} | Hours open: {hours_open:.1f} | Target: {target}h"}}')
