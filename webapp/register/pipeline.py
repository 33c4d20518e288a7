"""Reading and validating a big stock file in a second process while this one writes.

On a 2-core server the import is bound by two single-threaded halves of similar cost: parsing and
checking the CSV (Python) and inserting (SQLite). The reader process runs stockfile.batches() and
sends each batch of valid rows as one UTF-8 string (fields joined by US, rows by RS), which this
process splits in C and hands to executemany: the halves overlap instead of adding up. A batch whose
values contain a separator character goes pickled instead. The pipe's small buffer keeps memory flat.
"""
import multiprocessing
import pickle
from collections import Counter
from operator import methodcaller

from webapp.register.stockfile import batches, open_stock_file

FIELD, ROW = "\x1f", "\x1e"
_split_row = methodcaller("split", FIELD)


class _Progress:
    def __init__(self):
        self.rows_read = 0
        self.rejected = Counter()


def _encode(batch, width):
    text = ROW.join(map(FIELD.join, batch))
    if text.count(FIELD) == len(batch) * (width - 1) and text.count(ROW) == len(batch) - 1:
        return b"T" + text.encode("utf-8")
    return b"P" + pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)


def read_worker(path, kind, columns, size, connection):
    """The reader process: (rows_read, rejected, position) then a batch, until (.., None)."""
    progress = _Progress()
    try:
        with open_stock_file(path) as stream:
            for batch in batches(stream, kind, columns, progress, size):
                connection.send((progress.rows_read, dict(progress.rejected), stream.position()))
                connection.send_bytes(_encode(batch, len(columns)))
        connection.send((progress.rows_read, dict(progress.rejected), None))
    except BaseException as error:  # noqa: BLE001  (reported to the importer, which re-raises)
        connection.send(error if isinstance(error, Exception) else RuntimeError(repr(error)))
    finally:
        connection.close()


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def parallel_batches(path, kind, columns, summary, size, positions=None):
    """Like stockfile.batches(), the reading done by a child process. Each batch is an iterator of
    rows (lists) with a len(); `positions` (a list) receives the file position after each batch."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    reader = context.Process(target=read_worker, args=(str(path), kind, columns, size, sender), daemon=True)
    reader.start()
    sender.close()
    try:
        while True:
            message = receiver.recv()
            if isinstance(message, Exception):
                raise message
            rows_read, rejected, position = message
            summary.rows_read = rows_read
            summary.rejected.update({k: v - summary.rejected[k] for k, v in rejected.items()})
            if position is None:
                return
            if positions is not None:
                positions.append(position)
            data = receiver.recv_bytes()
            if data[:1] == b"T":
                yield list(map(_split_row, data[1:].decode("utf-8").split(ROW)))
            else:
                yield pickle.loads(data[1:])
    finally:
        receiver.close()
        if reader.is_alive():
            reader.terminate()
        reader.join()
