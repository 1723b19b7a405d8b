# The two commands that matter: `make demo` and `make test`. Each installs what it needs.
SHELL := /bin/bash
.PHONY: all prereqs build demo demo-kronolith test bench clean

all: build

prereqs:
	scripts/prereqs.sh

build:
	dotnet build VirtAppliance.slnx -nologo

demo: prereqs
	./virt-appliance demo

demo-kronolith: prereqs
	scripts/demo-kronolith.sh

test: prereqs
	scripts/test.sh

bench: prereqs
	bench/run.sh

clean:
	dotnet clean VirtAppliance.slnx -nologo
