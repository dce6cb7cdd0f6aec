// SPDX-License-Identifier: GPL-2.0
/*
 * defect-probes: the workloads of issue 30's defects, run in the guest by
 * defects-job.sh on 7.3, series v4 and series v5 (make defects). Each
 * prints one "PROBE NAME key=value..." line; defects-report.py compares
 * the kernels. Run as root in a guest: they make memory cgroups, set
 * fail_page_alloc and trace events.
 *
 *   defect-probes parked [-x] PIPES SLOTS WAIT
 *	Defects 1, 2 and 4. PIPES pipes of SLOTS pages each carry a ring of
 *	data, then vmsplice() fills each ring with references to one page of
 *	this process and a thread per pipe blocks in a write() of 64 KiB.
 *	Prints the pages per pipe that memory.stat "kernel" of the probe's
 *	cgroup holds above its baseline WAIT seconds later, and after
 *	memory.reclaim. -x:
 *	the pipes are made outside that cgroup (a container runtime making a
 *	container's stdio pipes), the data written from inside it.
 *   defect-probes records [-f] [-w] [-m MIB] ROUNDS WRITERS SIZE
 *	Defect 3. Per round, WRITERS processes released together write one
 *	record of SIZE bytes each, in one write(), into a fresh pipe of 1 MiB
 *	(room for all of them); the records must come out whole. -f:
 *	fail_page_alloc fails every allocation of the writers that may not
 *	enter direct reclaim, the allocation v4 makes under pipe->mutex. -w:
 *	-f, and of two writers the second is a SCHED_FIFO task on the first
 *	one's CPU that writes once poll() sees the pipe readable, which a
 *	kernel that drops the mutex and wakes readers mid-write lets in then
 *	(v4), and others only once the first record is whole. -m:
 *	the writers run in a memory cgroup of MIB MiB held at its memory.max
 *	by an anonymous hog of twice that (swap needed).
 *   defect-probes timers [-s] SECONDS
 *	Defect 5. A pipe carries 1 MiB, its ring is then filled and a writer
 *	parks in a write() of 64 KiB; after 2 s, counts for SECONDS the timer
 *	and workqueue callbacks named *pipe* (trace events) and context
 *	switches. -s: right after the 1 MiB, with nothing else: the callbacks
 *	that trim the pool, which the probe must see.
 *   defect-probes foreign PIPES BYTES
 *	Defect 7. Per pipe of 1 MiB, a process in cgroup A streams 1 MiB
 *	through it, which leaves A's pages in the pool, then writes BYTES
 *	from cgroup B. Prints the pages freed (/proc/vmstat pgfree) during
 *	that write(). Not where they are freed: icount cannot time how long
 *	pipe->mutex is held (the vCPUs run in turn).
 *   defect-probes create N
 *	Defect 6. Nanoseconds per pipe() and close() of both ends, over N.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CG_ROOT		"/sys/fs/cgroup"
#define FPA		"/sys/kernel/debug/fail_page_alloc"
#define TRACING		"/sys/kernel/tracing"
#define PIPE_1M		(1 << 20)
#define FPA_TIMES	1000000000L
/* What a parked writer writes: more than a page, as "producer | less" does. */
#define PARK_WRITE	(64 << 10)

static long page_size;
static char cg[256];
static pid_t hog;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# defect-probes: ", stdout);
	vprintf(fmt, ap);
	printf(": %s\n", strerror(errno));
	va_end(ap);
	fflush(stdout);
	if (hog > 0)
		kill(hog, SIGKILL);
	exit(2);
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC), ret = -1;

	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) == (ssize_t)strlen(val))
		ret = 0;
	close(fd);
	return ret;
}

static void must_write(const char *path, const char *val)
{
	if (write_file(path, val))
		die("write %s to %s", val, path);
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, got = 0;

	if (fd < 0)
		return -1;
	while (got < (ssize_t)len - 1 &&
	       (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fd);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- memory cgroup of the probe ---- */

static void cg_make(const char *name)
{
	snprintf(cg, sizeof(cg), CG_ROOT "/defects-%s-%d", name, getpid());
	/* Fails harmlessly when the controller is on already. */
	write_file(CG_ROOT "/cgroup.subtree_control", "+memory");
	if (mkdir(cg, 0755))
		die("mkdir %s", cg);
}

static void cg_join(const char *dir)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	must_write(path, "0");
}

static void cg_set(const char *file, const char *val)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	must_write(path, val);
}

/*
 * The number after "@key " at the start of a line of @path (a key of ""
 * reads the first number of the file); dies when there is none.
 */
static long file_key(const char *path, const char *key)
{
	static char buf[65536];
	size_t klen = strlen(key);
	char *p;

	if (read_file(path, buf, sizeof(buf)))
		die("read %s", path);
	if (!*key)
		return atol(buf);
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return atol(p + klen + 1);
	errno = ENOENT;
	die("no %s in %s", key, path);
	return -1;
}

static long cg_key(const char *file, const char *key)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return file_key(path, key);
}

static long cg_kernel(void)
{
	return cg_key("memory.stat", "kernel");
}

/* memory.stat kernel once it stopped moving (RCU frees, percpu stocks). */
static long cg_kernel_settled(void)
{
	long prev, cur = cg_kernel();

	for (int i = 0; i < 40; i++) {
		usleep(50000);
		prev = cur;
		cur = cg_kernel();
		if (cur == prev)
			break;
	}
	return cur;
}

static void cg_leave_and_remove(void)
{
	cg_join(CG_ROOT);
	for (int i = 0; i < 100 && rmdir(cg); i++)
		usleep(50000);
}

/* ---- parked: full rings and parked writers (defects 1, 2, 4) ---- */

static pthread_mutex_t park_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t park_cond = PTHREAD_COND_INITIALIZER;
static int park_go;

struct parked {
	int fd, idx;
	pthread_t thread;
	ssize_t ret;
};

static char park_buf[PARK_WRITE];

static void *parked_fn(void *arg)
{
	struct parked *pw = arg;

	pthread_mutex_lock(&park_lock);
	while (park_go <= pw->idx)
		pthread_cond_wait(&park_cond, &park_lock);
	pthread_mutex_unlock(&park_lock);
	pw->ret = write(pw->fd, park_buf, PARK_WRITE);
	return NULL;
}

static ssize_t xfer(int fd, char *buf, size_t len, int out)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = out ? write(fd, buf + done, len - done) :
			  read(fd, buf + done, len - done);
		if (n <= 0)
			return -1;
		done += n;
	}
	return done;
}

static int probe_parked(int argc, char **argv)
{
	int cross = 0, pipes, slots, wait_s, (*p)[2];
	long base, parked, reclaimed, ring;
	struct parked *pw;
	char *buf, *one;

	if (argc > 1 && !strcmp(argv[1], "-x")) {
		cross = 1;
		argv++;
		argc--;
	}
	if (argc != 4)
		return 1;
	pipes = atoi(argv[1]);
	slots = atoi(argv[2]);
	wait_s = atoi(argv[3]);
	ring = slots * page_size;
	p = calloc(pipes, sizeof(*p));
	pw = calloc(pipes, sizeof(*pw));
	buf = mmap(NULL, ring, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	one = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (!p || !pw || buf == MAP_FAILED || one == MAP_FAILED)
		die("memory for %d pipes", pipes);
	memset(buf, 'b', ring);
	memset(one, 'v', page_size);
	memset(park_buf, 'w', PARK_WRITE);
	cg_make(cross ? "parked-x" : "parked");
	if (!cross)
		cg_join(cg);
	for (int i = 0; i < pipes; i++) {
		if (pipe(p[i]))
			die("pipe");
		if (fcntl(p[i][1], F_SETPIPE_SZ, ring) != ring)
			die("F_SETPIPE_SZ %ld", ring);
	}
	if (cross)
		cg_join(cg);
	/* Threads before the baseline: their stacks are in it. */
	for (int i = 0; i < pipes; i++) {
		pw[i].fd = p[i][1];
		pw[i].idx = i;
		if (pthread_create(&pw[i].thread, NULL, parked_fn, &pw[i]))
			die("pthread_create");
	}
	base = cg_kernel_settled();
	for (int i = 0; i < pipes; i++) {
		struct iovec iov = { .iov_base = one, .iov_len = page_size };
		long n = 0;

		if (xfer(p[i][1], buf, ring, 1) != ring ||
		    xfer(p[i][0], buf, ring, 0) != ring)
			die("pipe %d: stream", i);
		while (vmsplice(p[i][1], &iov, 1, SPLICE_F_NONBLOCK) == page_size)
			n++;
		if (n != slots)
			die("pipe %d: %ld vmsplice()s filled a ring of %d", i, n, slots);
		pthread_mutex_lock(&park_lock);
		park_go = i + 1;
		pthread_cond_broadcast(&park_cond);
		pthread_mutex_unlock(&park_lock);
	}
	sleep(wait_s);
	parked = cg_kernel();
	/* EAGAIN when it reclaimed less than asked: expected, not checked. */
	{
		char path[300];

		snprintf(path, sizeof(path), "%s/memory.reclaim", cg);
		write_file(path, "1G");
	}
	reclaimed = cg_kernel_settled();
	printf("PROBE parked%s pipes=%d slots=%d wait_s=%d base_kib=%ld parked_pages=%.1f reclaimed_pages=%.1f\n",
	       cross ? "-cross" : "", pipes, slots, wait_s, base >> 10,
	       (double)(parked - base) / page_size / pipes,
	       (double)(reclaimed - base) / page_size / pipes);
	for (int i = 0; i < pipes; i++) {
		if (xfer(p[i][0], buf, ring, 0) != ring || memcmp(buf, one, page_size))
			die("pipe %d: data", i);
		if (xfer(p[i][0], buf, PARK_WRITE, 0) != PARK_WRITE ||
		    memcmp(buf, park_buf, PARK_WRITE))
			die("pipe %d: the parked writer's data", i);
		pthread_join(pw[i].thread, NULL);
		if (pw[i].ret != PARK_WRITE)
			die("pipe %d: the parked write returned %zd", i, pw[i].ret);
		close(p[i][0]);
		close(p[i][1]);
	}
	cg_leave_and_remove();
	return 0;
}

/* ---- records: large writes at memory.max or under fault injection ---- */

static void fpa_set(const char *file, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), FPA "/%s", file);
	must_write(path, val);
}

static long fpa_times(void)
{
	char buf[64];

	if (read_file(FPA "/times", buf, sizeof(buf)))
		die("read " FPA "/times");
	return atol(buf);
}

static pid_t hog_start(long bytes)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		char *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			_exit(1);
		for (unsigned long pass = 1;; pass++)
			for (long off = 0; off < bytes; off += page_size)
				m[off] = pass;
	}
	return pid;
}

static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		_exit(3);
}

/*
 * Writer @w of a round: fills its record, marks itself for fail_page_alloc
 * when @inject, waits for its start and writes the record in one write().
 * With @woken, writer 1 is a SCHED_FIFO task on the CPU of writer 0 (CPU
 * 0) that starts when the pipe first becomes readable: on a kernel that
 * wakes readers before a write is done, in the middle of writer 0's.
 */
static void records_writer(int w, long size, int inject, int woken, char *buf,
			   int wfd, int rfd, int gate, int ready)
{
	char c;

	if (!(woken && w == 1))
		close(ready);
	memset(buf, 'a' + w, size);
	if (woken) {
		struct sched_param sp = { .sched_priority = 1 };

		pin_cpu0();
		if (w == 1 && sched_setscheduler(0, SCHED_FIFO, &sp))
			_exit(3);
	}
	if (inject && write_file("/proc/self/make-it-fail", "1"))
		_exit(3);
	if (woken && w == 1) {
		struct pollfd pfd = { .fd = rfd, .events = POLLIN };

		/* 10 s: a first writer that failed must not hang the round. */
		if (write(ready, "r", 1) != 1 || poll(&pfd, 1, 10000) != 1)
			_exit(3);
	} else if (read(gate, &c, 1) != 0) {
		_exit(3);
	}
	_exit(write(wfd, buf, size) == size ? 0 : 2);
}

/* One round: 0 whole, 1 a record split, 2 a write short or failed. */
static int records_round(int writers, long size, int inject, int woken,
			 char *buf)
{
	int p[2], gate[2], ready[2], status, ret = 0;
	long total = writers * size, got = 0, run;
	pid_t pids[16];
	ssize_t n;
	char c;

	if (pipe(p) || pipe(gate) || pipe(ready))
		die("pipe");
	if (fcntl(p[1], F_SETPIPE_SZ, PIPE_1M) < PIPE_1M)
		die("F_SETPIPE_SZ");
	for (int w = 0; w < writers; w++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		pids[w] = pid;
		if (!pid) {
			close(gate[1]);
			close(ready[0]);
			records_writer(w, size, inject, woken, buf, p[1], p[0],
				       gate[0], ready[1]);
		}
	}
	close(gate[0]);
	close(ready[1]);
	/* The woken writer is in poll() (or about to be) before the start. */
	if (woken && read(ready[0], &c, 1) != 1)
		die("the woken writer did not start");
	if (woken)
		usleep(20000);
	close(ready[0]);
	close(gate[1]);
	close(p[1]);
	for (int w = 0; w < writers; w++) {
		if (waitpid(pids[w], &status, 0) < 0)
			die("wait");
		if (!WIFEXITED(status) || WEXITSTATUS(status) == 3)
			die("a writer failed to start (status %#x)", status);
		if (WEXITSTATUS(status))
			ret = 2;
	}
	while (got < total && (n = read(p[0], buf + got, total - got)) > 0)
		got += n;
	close(p[0]);
	if (ret || got != total)
		return 2;
	for (long i = 0; i < total; i += run) {
		for (run = 1; i + run < total && buf[i + run] == buf[i]; run++)
			;
		if (run != size)
			return 1;
	}
	return 0;
}

static int probe_records(int argc, char **argv)
{
	int inject = 0, woken = 0, mib = 0, rounds, writers, split = 0;
	int shorts = 0, opt;
	long size, injected = 0, cur = 0;
	char *buf, val[32];

	while ((opt = getopt(argc, argv, "fwm:")) != -1) {
		if (opt == 'f')
			inject = 1;
		else if (opt == 'w')
			woken = inject = 1;
		else if (opt == 'm')
			mib = atoi(optarg);
		else
			return 1;
	}
	if (argc - optind != 3)
		return 1;
	rounds = atoi(argv[optind]);
	writers = atoi(argv[optind + 1]);
	size = atol(argv[optind + 2]);
	if (writers * size > PIPE_1M || writers > 16 || (woken && writers != 2))
		return 1;
	/* Private: each writer fills its own copy. */
	buf = mmap(NULL, PIPE_1M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap");
	if (mib) {
		cg_make("records");
		snprintf(val, sizeof(val), "%ldM", (long)mib);
		cg_set("memory.max", val);
		cg_join(cg);
		hog = hog_start(2L * mib << 20);
		for (int i = 0; i < 300; i++) {
			cur = cg_key("memory.current", "");
			if (cur >= ((long)mib << 20) / 10 * 9)
				break;
			usleep(100000);
		}
		if (cur < ((long)mib << 20) / 10 * 9)
			die("the hog took %ld KiB of %d MiB", cur >> 10, mib);
	}
	if (inject) {
		/*
		 * Only what may not reclaim fails (ignore-gfp-wait), highmem
		 * included (pipe pages are GFP_HIGHUSER), order 0 included.
		 */
		fpa_set("task-filter", "Y");
		fpa_set("ignore-gfp-wait", "Y");
		fpa_set("ignore-gfp-highmem", "N");
		fpa_set("min-order", "0");
		fpa_set("interval", "1");
		fpa_set("verbose", "0");
		snprintf(val, sizeof(val), "%ld", FPA_TIMES);
		fpa_set("times", val);
		fpa_set("probability", "100");
	}
	for (int r = 0; r < rounds; r++) {
		int res = records_round(writers, size, inject, woken, buf);

		split += res == 1;
		shorts += res == 2;
	}
	if (inject) {
		fpa_set("probability", "0");
		injected = FPA_TIMES - fpa_times();
	}
	if (hog) {
		kill(hog, SIGKILL);
		waitpid(hog, NULL, 0);
		hog = 0;
		cur = cg_key("memory.events", "max");
		cg_leave_and_remove();
	}
	printf("PROBE records-%s rounds=%d writers=%d size=%ld split=%d short=%d injected=%ld memory_max_events=%ld\n",
	       woken ? "woken" : inject ? "fail" : mib ? "memcg" : "plain",
	       rounds, writers, size, split, shorts, injected, mib ? cur : 0L);
	return 0;
}

/* ---- timers: what runs for an idle pipe with a parked writer ---- */

static void *park_one(void *arg)
{
	return (void *)(long)write(*(int *)arg, park_buf, PARK_WRITE);
}

static int probe_timers(int argc, char **argv)
{
	static const char * const events[] = {
		TRACING "/events/timer/timer_expire_entry/enable",
		TRACING "/events/workqueue/workqueue_execute_start/enable",
	};
	int secs, p[2], fl, pipe_cbs = 0, all_cbs = 0, stream_only = 0;
	char *buf = malloc(PIPE_1M), line[512];
	long c0, c1;
	pthread_t t;
	FILE *f;

	if (argc == 3 && !strcmp(argv[1], "-s")) {
		stream_only = 1;
		argv++;
		argc--;
	}
	if (argc != 2 || !buf)
		return 1;
	secs = atoi(argv[1]);
	if (access(TRACING "/trace", W_OK) &&
	    mount("tracefs", TRACING, "tracefs", 0, NULL))
		die("mount tracefs");
	memset(buf, 't', PIPE_1M);
	if (pipe(p) || fcntl(p[1], F_SETPIPE_SZ, PIPE_1M) < PIPE_1M)
		die("pipe");
	for (int i = 0; i < 4; i++)
		if (xfer(p[1], buf, PIPE_1M / 4, 1) < 0 ||
		    xfer(p[0], buf, PIPE_1M / 4, 0) < 0)
			die("stream");
	if (!stream_only) {
		fl = fcntl(p[1], F_GETFL);
		fcntl(p[1], F_SETFL, fl | O_NONBLOCK);
		while (write(p[1], buf, PIPE_1M) > 0)
			;
		fcntl(p[1], F_SETFL, fl);
		if (pthread_create(&t, NULL, park_one, &p[1]))
			die("pthread_create");
		sleep(2);
	}
	must_write(TRACING "/tracing_on", "0");
	must_write(TRACING "/trace", "");
	for (unsigned int i = 0; i < sizeof(events) / sizeof(*events); i++)
		must_write(events[i], "1");
	c0 = file_key("/proc/stat", "ctxt");
	must_write(TRACING "/tracing_on", "1");
	sleep(secs);
	must_write(TRACING "/tracing_on", "0");
	c1 = file_key("/proc/stat", "ctxt");
	for (unsigned int i = 0; i < sizeof(events) / sizeof(*events); i++)
		must_write(events[i], "0");
	f = fopen(TRACING "/trace", "r");
	if (!f)
		die("open trace");
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		all_cbs++;
		if (strstr(line, "pipe")) {
			if (pipe_cbs < 3)
				printf("# %s", line);
			pipe_cbs++;
		}
	}
	fclose(f);
	printf("PROBE timers%s seconds=%d pipe_callbacks=%d all_callbacks=%d ctxt_per_s=%.1f\n",
	       stream_only ? "-stream" : "", secs, pipe_cbs, all_cbs,
	       (double)(c1 - c0) / secs);
	/* Let the writer go (EPIPE), and end. */
	signal(SIGPIPE, SIG_IGN);
	close(p[0]);
	if (!stream_only)
		pthread_join(t, NULL);
	return 0;
}

/* ---- foreign: another memcg's write into a full pool (defect 7) ---- */

static int probe_foreign(int argc, char **argv)
{
	long most = 0, total = 0, f0, f1, bytes;
	char a[256], b[256], *buf;
	int pipes, p[2];

	if (argc != 3)
		return 1;
	pipes = atoi(argv[1]);
	bytes = atol(argv[2]);
	if (bytes < 1 || bytes > PIPE_1M)
		return 1;
	buf = mmap(NULL, PIPE_1M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap");
	memset(buf, 'f', PIPE_1M);
	cg_make("foreign-a");
	strcpy(a, cg);
	cg_make("foreign-b");
	strcpy(b, cg);
	for (int i = 0; i < pipes; i++) {
		cg_join(a);
		if (pipe(p) || fcntl(p[1], F_SETPIPE_SZ, PIPE_1M) < PIPE_1M)
			die("pipe");
		if (xfer(p[1], buf, PIPE_1M, 1) < 0 || xfer(p[0], buf, PIPE_1M, 0) < 0)
			die("stream");
		cg_join(b);
		f0 = file_key("/proc/vmstat", "pgfree");
		if (write(p[1], buf, bytes) != bytes)
			die("write");
		f1 = file_key("/proc/vmstat", "pgfree");
		total += f1 - f0;
		if (f1 - f0 > most)
			most = f1 - f0;
		close(p[0]);
		close(p[1]);
	}
	cg_join(CG_ROOT);
	rmdir(a);
	strcpy(cg, b);
	cg_leave_and_remove();
	printf("PROBE foreign pipes=%d bytes=%ld pgfree_per_write=%.1f pgfree_max=%ld\n",
	       pipes, bytes, (double)total / pipes, most);
	return 0;
}

/* ---- create: what a pipe costs to make ---- */

static int probe_create(int argc, char **argv)
{
	int n, p[2];
	double t0, t1;

	if (argc != 2)
		return 1;
	n = atoi(argv[1]);
	for (int i = 0; i < n / 10; i++) {
		if (pipe(p))
			die("pipe");
		close(p[0]);
		close(p[1]);
	}
	t0 = now();
	for (int i = 0; i < n; i++) {
		if (pipe(p))
			die("pipe");
		close(p[0]);
		close(p[1]);
	}
	t1 = now();
	printf("PROBE create pipes=%d ns_per_pipe=%.0f\n", n, (t1 - t0) * 1e9 / n);
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	if (argc < 2)
		;
	else if (!strcmp(argv[1], "parked"))
		ret = probe_parked(argc - 1, argv + 1);
	else if (!strcmp(argv[1], "records"))
		ret = probe_records(argc - 1, argv + 1);
	else if (!strcmp(argv[1], "timers"))
		ret = probe_timers(argc - 1, argv + 1);
	else if (!strcmp(argv[1], "foreign"))
		ret = probe_foreign(argc - 1, argv + 1);
	else if (!strcmp(argv[1], "create"))
		ret = probe_create(argc - 1, argv + 1);
	if (ret == 1)
		fprintf(stderr, "usage: see the head of scripts/defect-probes.c\n");
	return ret;
}
