"""Fail unless the JUnit report shows browser tests that ran and none that were skipped."""

import sys
import xml.etree.ElementTree as ET

cases = [c for c in ET.parse(sys.argv[1]).iter("testcase") if ".browser." in c.get("classname", "")]
skipped = [c.get("name") for c in cases if c.find("skipped") is not None]
if not cases:
    sys.exit("no browser tests ran")
if skipped:
    sys.exit(f"browser tests were skipped: {', '.join(skipped)}")
print(f"browser tests ran: {len(cases)}, none skipped")
