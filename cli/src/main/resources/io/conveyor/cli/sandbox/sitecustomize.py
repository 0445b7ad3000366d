"""Written by Conveyor's sandbox into its work directory and put first on moto_server's PYTHONPATH.

Python imports this at start-up. Where moto is importable it mends two things that made a long
sandbox run grow moto by gigabytes and slow it down:
- moto keeps every model it ever makes (BaseModel.__new__ appends it to its class's
  instances_tracked) for its dashboard until a reset; here those lists keep nothing, so dropped
  models are freed. /moto-api/data.json still answers, with no instances.
- moto 5.2.1's TransactWriteItems deep-copies a table once per item naming it, as its rollback copy;
  here once per table (the copies are equal: nothing changes the tables between them).
The installation's own sitecustomize, which this one hides, runs first. On any error, one line
to stderr and moto runs as it is.
"""
import copy
import sys
import threading


def _run_the_installations_own():
    import importlib.machinery
    import importlib.util
    import os

    here = os.path.dirname(os.path.abspath(__file__))
    others = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", others)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


def _moto_is_importable():
    import importlib.util

    return importlib.util.find_spec("moto") is not None


class _KeepsNothing(list):
    """A list moto can append its models to, which keeps none of them."""

    def append(self, item):
        pass

    def extend(self, items):
        pass

    def insert(self, index, item):
        pass


def _track_no_instances():
    from moto.core.base_backend import InstanceTrackerMeta

    keeps_nothing = _KeepsNothing()
    # A data descriptor on the metaclass wins over each class's own attribute: every model class,
    # made before or after this line (moto's server loads its backends lazily), reads this list,
    # and the assignments of InstanceTrackerMeta.__new__ and reset_model_data change nothing.
    InstanceTrackerMeta.instances_tracked = property(lambda cls: keeps_nothing, lambda cls, value: None)


def _copy_each_table_once_per_transaction():
    import moto

    if moto.__version__ != "5.2.1":
        return  # shown equivalent on 5.2.1's code only
    import moto.dynamodb.models as models
    from moto.dynamodb.models.table import Table

    transaction = threading.local()

    class CopyOncePerTransaction:
        """The copy module as moto.dynamodb.models sees it. Within transact_write_items, the only
        deep copies of a Table there are the rollback copies, made before any item is written."""

        def __getattr__(self, name):
            return getattr(copy, name)

        def deepcopy(self, value, memo=None):
            copies = getattr(transaction, "copies", None)
            if copies is None or memo is not None or not isinstance(value, Table):
                return copy.deepcopy(value, memo)
            if id(value) not in copies:
                copies[id(value)] = (value, copy.deepcopy(value))
            return copies[id(value)][1]

    transact_write_items = models.DynamoDBBackend.transact_write_items

    def copying_each_table_once(self, transact_items):
        transaction.copies = {}
        try:
            return transact_write_items(self, transact_items)
        finally:
            transaction.copies = None

    models.copy = CopyOncePerTransaction()
    models.DynamoDBBackend.transact_write_items = copying_each_table_once


def _attempt(step, failure):
    """Runs step; on any error, one line to stderr (moto must start whatever happens here)."""
    try:
        return step()
    except Exception as error:
        print("conveyor sitecustomize: " + failure + " (" + type(error).__name__ + ": " + str(error) + ")",
              file=sys.stderr)
        return None


_attempt(_run_the_installations_own, "the installation's sitecustomize failed")
if _attempt(_moto_is_importable, "cannot tell whether moto is installed"):
    _attempt(_track_no_instances, "moto keeps every model it makes")
    _attempt(_copy_each_table_once_per_transaction, "moto copies a table once per item of a transaction")
