# Build targets that `sam build` runs for each function (Metadata: BuildMethod: makefile).
# SAM sets ARTIFACTS_DIR; the target builds the function's module with the Maven wrapper and
# unpacks its deployment package (classes at the root, dependencies under lib/) into it.
# Reproduce a SAM build without the SAM CLI:  make build-DispatchFunction ARTIFACTS_DIR=/tmp/out

SHELL := /bin/bash
MVNW ?= ./mvnw
MAVEN_FLAGS ?= -B -q -DskipTests

define lambda
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 2; }
	. .mvn/jdk.sh && conveyor_select_jdk && $(MVNW) $(MAVEN_FLAGS) -pl $(1) -am package
	mkdir -p "$(ARTIFACTS_DIR)"
	cd "$(ARTIFACTS_DIR)" && unzip -q -o "$(CURDIR)/$(1)/target/function.zip"
	@echo "$(1): $$(du -sh "$(ARTIFACTS_DIR)" | cut -f1) unpacked in $(ARTIFACTS_DIR)"
endef

.PHONY: build-RegisterAlgorithmFunction build-DispatchFunction build-CapacityFunction build-TaskEventsFunction build-FleetMonitorFunction

build-RegisterAlgorithmFunction:
	$(call lambda,functions/register-algorithm)

build-DispatchFunction:
	$(call lambda,functions/dispatch)

build-CapacityFunction:
	$(call lambda,functions/capacity)

build-TaskEventsFunction:
	$(call lambda,functions/task-events)

build-FleetMonitorFunction:
	$(call lambda,functions/fleet-monitor)

# The stack's teardown (a custom resource) lives in the fleet-monitor module, with its dependencies.
.PHONY: build-TeardownFunction
build-TeardownFunction:
	$(call lambda,functions/fleet-monitor)

# The reconciler lives in the task-events module: the same clients, and task-events' driver applies what it finds.
.PHONY: build-ReconcileFunction
build-ReconcileFunction:
	$(call lambda,functions/task-events)
