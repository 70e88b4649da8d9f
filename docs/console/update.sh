#!/usr/bin/env bash
# Retakes the console screenshots in this directory: runs the SQLite browser walks with INTAKE_CONSOLE_SCREENSHOTS
# set, so each walk saves a full-page PNG of every page it checks (Playwright over Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")/../.."
INTAKE_CONSOLE_SCREENSHOTS="$PWD/docs/console" dotnet test tests/Intake.Console.Tests \
  --filter "FullyQualifiedName~ConsoleWalkTests|FullyQualifiedName~KeyScopeTests|FullyQualifiedName~LiveLoadTests"
