// SPDX-License-Identifier: GPL-2.0
/*
 * soak-pipe: the pipe soak's own load, run in the guest by soak-guest.sh.
 *
 *   soak-pipe stream SECONDS WRITER_CGROUP... -r READER_CGROUP [-f]
 *	One writer process per WRITER_CGROUP and one reader process in
 *	READER_CGROUP per writer. Each pair runs sessions: the writer makes a
 *	pipe, hands the read end to its reader over a unix socket
 *	(SCM_RIGHTS) and writes a position-dependent byte stream in writes of
 *	random size while a thread of the writer changes the pipe's size with
 *	F_SETPIPE_SZ. A session ends with the writer closing its end while
 *	data is in flight (the reader drains, checks every byte and that it
 *	got exactly what was written) or with the reader closing its end
 *	while the writer still writes (the pipe is freed with data in it).
 *   soak-pipe fifo SECONDS DIR [-f]
 *	Threads released together by a barrier open FIFOs that nobody opened
 *	before: each its own fresh FIFO, or all of them the same one
 *	(fifo_open's race to allocate the pipe), check data written through
 *	one descriptor and read through another, and open and close one
 *	FIFO in a loop so that first opens race with last closes.
 *
 * -f: the writers (all threads) set /proc/thread-self/make-it-fail, so
 * fail_page_alloc's task filter fails their page allocations; ENOMEM and
 * short writes are then expected and counted, corrupted data never is.
 *
 * Prints "# " diagnostics and one "soak-pipe: ..." summary line; exits 0
 * when the data checked out and the load did what it is meant to.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAIRS	8
#define BUF_SZ		(256 * 1024)
#define FIFO_THREADS	8

static int fail_mode;
static double deadline;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64, one state per thread */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The byte at offset off of session seed: shifts by a page show. */
static inline uint8_t pat(uint64_t seed, uint64_t off)
{
	return (uint8_t)(off ^ (off >> 8) ^ (off >> 16) ^ (off >> 24) ^ seed);
}

static void fill(uint8_t *b, size_t n, uint64_t seed, uint64_t off)
{
	for (size_t i = 0; i < n; i++)
		b[i] = pat(seed, off + i);
}

/* Index of the first wrong byte, or -1. */
static long check(const uint8_t *b, size_t n, uint64_t seed, uint64_t off)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != pat(seed, off + i))
			return (long)i;
	return -1;
}

static void join_cgroup(const char *cg)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f)) {
		fprintf(stderr, "# soak-pipe: cannot join %s: %s\n", cg, strerror(errno));
		exit(2);
	}
}

/* Make this thread's page allocations fail under fail_page_alloc. */
static void make_it_fail(void)
{
	int fd;

	if (!fail_mode)
		return;
	fd = open("/proc/thread-self/make-it-fail", O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		fprintf(stderr, "# soak-pipe: make-it-fail: %s\n", strerror(errno));
		exit(2);
	}
	close(fd);
}

/* ---- stream ---- */

/* What one process of a pair counts; in shared memory, read by main. */
struct stream_stats {
	atomic_ullong sessions, bytes_w, bytes_r;
	/* closes of either end, and those with bytes still in the pipe */
	atomic_ullong writer_closed, writer_inflight, reader_closed, reader_inflight;
	atomic_ullong resizes, resize_busy, enomem, short_writes, epipe;
	atomic_ullong bad, bad_len;
	char first_bad[200];
};

struct session_msg {
	uint64_t seed;
	uint64_t total;		/* bytes written, or ~0 while unknown */
	uint32_t reader_stop;	/* reader closes after this many bytes, 0: never */
};

static int send_fd(int sock, int fd, const struct session_msg *m)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)m, sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (fd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	for (;;) {
		ssize_t r = sendmsg(sock, &mh, MSG_NOSIGNAL);

		if (r == sizeof(*m))
			return 0;
		if (r < 0 && (errno == EINTR || errno == ENOMEM || errno == ENOBUFS))
			continue;
		return -1;
	}
}

static int recv_fd(int sock, int *fd, struct session_msg *m)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { m, sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t r;

	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r != sizeof(*m))
		return -1;
	*fd = -1;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

static void note_bad(struct stream_stats *st, const char *what, uint64_t seed,
		     uint64_t off, long at, const uint8_t *b)
{
	if (atomic_fetch_add(&st->bad, 1) == 0)
		snprintf(st->first_bad, sizeof(st->first_bad),
			 "%s: seed %#llx offset %llu: got %#x, expected %#x", what,
			 (unsigned long long)seed, (unsigned long long)(off + at),
			 b[at], pat(seed, off + at));
}

static void stream_reader(int sock, struct stream_stats *st)
{
	uint8_t *buf = malloc(BUF_SZ);
	uint64_t rs = getpid() * 0x9e3779b97f4a7c15ULL | 1;
	struct session_msg m, fin;
	int fd;

	if (!buf)
		exit(2);
	while (recv_fd(sock, &fd, &m) == 0) {
		uint64_t off = 0;
		int stopped = 0;

		if (fd < 0)
			break;
		for (;;) {
			size_t want = 1 + rnd(&rs) % BUF_SZ;
			ssize_t n = read(fd, buf, want);
			long at;

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				note_bad(st, "read error", m.seed, off, 0, buf);
				break;
			}
			if (n == 0)
				break;
			at = check(buf, n, m.seed, off);
			if (at >= 0)
				note_bad(st, "stream data", m.seed, off, at, buf);
			off += n;
			atomic_fetch_add(&st->bytes_r, n);
			/* Sometimes change the size from the reader's side. */
			if (!(rnd(&rs) & 63))
				fcntl(fd, F_SETPIPE_SZ, 4096 << (rnd(&rs) % 9));
			if (m.reader_stop && off >= m.reader_stop) {
				stopped = 1;
				break;
			}
		}
		if (stopped) {
			int q = 0;

			atomic_fetch_add(&st->reader_closed, 1);
			if (!ioctl(fd, FIONREAD, &q) && q > 0)
				atomic_fetch_add(&st->reader_inflight, 1);
		}
		close(fd);	/* with data still in the pipe, when stopped */
		/* The writer says how much it wrote once its end is closed. */
		if (recv_fd(sock, &fd, &fin) != 0)
			break;
		if (fd >= 0)
			close(fd);
		if (!stopped && fin.total != off) {
			if (atomic_fetch_add(&st->bad_len, 1) == 0)
				snprintf(st->first_bad, sizeof(st->first_bad),
					 "EOF after %llu bytes, writer wrote %llu",
					 (unsigned long long)off,
					 (unsigned long long)fin.total);
		}
	}
	exit(0);
}

struct resizer {
	atomic_int fd;
	atomic_int stop;
	struct stream_stats *st;
};

static void *resizer_thread(void *arg)
{
	struct resizer *rz = arg;
	uint64_t rs = (uint64_t)now() * 1000003 | 1;

	make_it_fail();
	while (!atomic_load(&rz->stop)) {
		int fd = atomic_load(&rz->fd);
		/* 4 KiB .. 1 MiB; shrinking below what the pipe holds is EBUSY */
		int sz = 4096 << (rnd(&rs) % 9);

		if (fd >= 0) {
			if (fcntl(fd, F_SETPIPE_SZ, sz) >= 0)
				atomic_fetch_add(&rz->st->resizes, 1);
			else if (errno == EBUSY)
				atomic_fetch_add(&rz->st->resize_busy, 1);
			else if (errno == ENOMEM)
				atomic_fetch_add(&rz->st->enomem, 1);
		}
		usleep(rnd(&rs) % 2000);
	}
	return NULL;
}

static void stream_writer(int sock, struct stream_stats *st)
{
	uint8_t *buf = malloc(BUF_SZ);
	uint64_t rs = getpid() * 0xd1342543de82ef95ULL | 1;
	struct resizer rz = { .fd = -1, .st = st };
	pthread_t th;

	if (!buf || pthread_create(&th, NULL, resizer_thread, &rz))
		exit(2);
	make_it_fail();
	signal(SIGPIPE, SIG_IGN);
	while (now() < deadline) {
		struct session_msg m = { .seed = rnd(&rs), .total = ~0ULL };
		uint64_t len = 4096 + rnd(&rs) % (4 << 20), off = 0;
		int p[2];

		/* A third of the sessions end with the reader leaving early. */
		if (rnd(&rs) % 3 == 0)
			m.reader_stop = 1 + rnd(&rs) % len;
		if (pipe2(p, O_CLOEXEC)) {
			if (errno == ENOMEM || errno == ENFILE) {
				atomic_fetch_add(&st->enomem, 1);
				continue;
			}
			perror("# soak-pipe: pipe2");
			exit(2);
		}
		if (send_fd(sock, p[0], &m))
			exit(2);
		close(p[0]);
		atomic_store(&rz.fd, p[1]);
		while (off < len) {
			size_t n = 1 + rnd(&rs) % (len - off < BUF_SZ ? len - off : BUF_SZ);
			ssize_t w;

			if (rnd(&rs) & 1)
				n = n % 8192 + 1;	/* many small writes too */
			fill(buf, n, m.seed, off);
			w = write(p[1], buf, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0 && errno == ENOMEM) {
				atomic_fetch_add(&st->enomem, 1);
				continue;
			}
			if (w < 0 && errno == EPIPE) {
				atomic_fetch_add(&st->epipe, 1);
				break;
			}
			if (w < 0) {
				note_bad(st, "write error", m.seed, off, 0, buf);
				break;
			}
			if ((size_t)w < n)
				atomic_fetch_add(&st->short_writes, 1);
			off += w;
			atomic_fetch_add(&st->bytes_w, w);
		}
		atomic_store(&rz.fd, -1);
		/* Closing with data in flight: the reader is still reading. */
		if (off >= len) {
			int q = 0;

			atomic_fetch_add(&st->writer_closed, 1);
			if (!ioctl(p[1], FIONREAD, &q) && q > 0)
				atomic_fetch_add(&st->writer_inflight, 1);
		}
		close(p[1]);
		m.total = off;
		if (send_fd(sock, -1, &m))
			exit(2);
		atomic_fetch_add(&st->sessions, 1);
	}
	{
		struct session_msg end = { 0 };

		send_fd(sock, -1, &end);	/* fd -1, first message: stop */
	}
	atomic_store(&rz.stop, 1);
	pthread_join(th, NULL);
	exit(0);
}

static int do_stream(int argc, char **argv)
{
	const char *wcg[MAX_PAIRS], *rcg = NULL;
	struct stream_stats *st;
	int npairs = 0, i, rc = 0, status;
	pid_t pids[2 * MAX_PAIRS];
	int nproc = 0;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-r") && i + 1 < argc)
			rcg = argv[++i];
		else if (!strcmp(argv[i], "-f"))
			fail_mode = 1;
		else if (npairs < MAX_PAIRS)
			wcg[npairs++] = argv[i];
	}
	if (!npairs || !rcg) {
		fprintf(stderr, "usage: soak-pipe stream SECONDS WRITER_CG... -r READER_CG [-f]\n");
		return 2;
	}
	st = mmap(NULL, sizeof(*st) * npairs, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return 2;
	for (i = 0; i < npairs; i++) {
		int sv[2];
		pid_t pid;

		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
			return 2;
		pid = fork();
		if (pid == 0) {
			close(sv[0]);
			join_cgroup(rcg);
			stream_reader(sv[1], &st[i]);
		}
		pids[nproc++] = pid;
		pid = fork();
		if (pid == 0) {
			close(sv[1]);
			join_cgroup(wcg[i]);
			stream_writer(sv[0], &st[i]);
		}
		pids[nproc++] = pid;
		close(sv[0]);
		close(sv[1]);
	}
	for (i = 0; i < nproc; i++) {
		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "# soak-pipe: process %d ended with status %#x\n",
				pids[i], status);
			rc = 1;
		}
	}
	{
		unsigned long long s = 0, bw = 0, br = 0, wc = 0, wci = 0, rcl = 0,
				   rci = 0, rz = 0, busy = 0, nm = 0, sw = 0, ep = 0, bad = 0;

		for (i = 0; i < npairs; i++) {
			s += st[i].sessions;
			bw += st[i].bytes_w;
			br += st[i].bytes_r;
			wc += st[i].writer_closed;
			wci += st[i].writer_inflight;
			rcl += st[i].reader_closed;
			rci += st[i].reader_inflight;
			rz += st[i].resizes;
			busy += st[i].resize_busy;
			nm += st[i].enomem;
			sw += st[i].short_writes;
			ep += st[i].epipe;
			bad += st[i].bad + st[i].bad_len;
			if (st[i].bad || st[i].bad_len)
				printf("# soak-pipe: pair %d (%s): %s\n", i, wcg[i],
				       st[i].first_bad);
		}
		printf("soak-pipe: stream: %d pairs, %llu sessions, %llu MiB written, %llu MiB read and checked, "
		       "writer closed %llu times (%llu with data in the pipe), reader %llu (%llu), "
		       "%llu resizes (%llu EBUSY), %llu ENOMEM, %llu short writes, %llu EPIPE, %llu bad\n",
		       npairs, s, bw >> 20, br >> 20, wc, wci, rcl, rci, rz, busy, nm, sw, ep, bad);
		if (bad)
			rc = 1;
		/* A load that did not load is a failed run, not a pass. */
		if (!s || !wci || !rci || !rz) {
			printf("# soak-pipe: stream did too little: sessions, closes of both ends with data in the pipe and resizes must all happen\n");
			rc = 1;
		}
		if (fail_mode && !nm) {
			printf("# soak-pipe: no ENOMEM: fault injection never hit the writers\n");
			rc = 1;
		}
	}
	return rc;
}

/* ---- fifo ---- */

struct fifo_ctx {
	const char *dir;
	pthread_barrier_t bar;
	atomic_int round_kind;	/* 0: fresh FIFO each, 1: all the same, 2: churn */
	atomic_int round;
	atomic_int stop;
	atomic_ullong opens, enomem, checked, bad, churn_opens;
	char first_bad[200];
};

static void fifo_path(char *b, size_t n, const char *dir, int round, int t)
{
	snprintf(b, n, "%s/f-%d-%d", dir, round, t);
}

static void fifo_note_bad(struct fifo_ctx *c, const char *what)
{
	if (atomic_fetch_add(&c->bad, 1) == 0)
		snprintf(c->first_bad, sizeof(c->first_bad), "%s", what);
}

/* Write a pattern through wfd, read it back through rfd, check it. */
static void fifo_rw_check(struct fifo_ctx *c, int wfd, int rfd, uint64_t seed)
{
	uint8_t w[6000], r[6000];
	ssize_t n, got = 0;

	fill(w, sizeof(w), seed, 0);
	n = write(wfd, w, sizeof(w));
	if (n < 0) {
		if (errno == ENOMEM)
			atomic_fetch_add(&c->enomem, 1);
		else if (errno != EAGAIN)
			fifo_note_bad(c, "fifo write error");
		return;
	}
	while (got < n) {
		ssize_t k = read(rfd, r + got, n - got);

		if (k <= 0) {
			fifo_note_bad(c, "fifo read came up short");
			return;
		}
		got += k;
	}
	if (check(r, got, seed, 0) >= 0)
		fifo_note_bad(c, "fifo data differs from what was written");
	else
		atomic_fetch_add(&c->checked, 1);
}

static void *fifo_thread(void *arg)
{
	struct fifo_ctx *c = arg;
	static atomic_int next_id;
	int id = atomic_fetch_add(&next_id, 1);
	char path[256];

	make_it_fail();
	for (;;) {
		int kind, round, fd, fd2;

		pthread_barrier_wait(&c->bar);	/* main set up the round */
		if (atomic_load(&c->stop))
			break;
		kind = atomic_load(&c->round_kind);
		round = atomic_load(&c->round);
		fifo_path(path, sizeof(path), c->dir, round, kind == 0 ? id : 0);
		if (kind == 2) {
			/* Open and close the same FIFO: first opens race last closes. */
			for (int i = 0; i < 200; i++) {
				fd = open(path, O_RDWR | O_NONBLOCK);
				if (fd < 0) {
					if (errno == ENOMEM)
						atomic_fetch_add(&c->enomem, 1);
					else
						fifo_note_bad(c, "churn open failed");
					continue;
				}
				atomic_fetch_add(&c->churn_opens, 1);
				if ((i & 1) && write(fd, path, 1) < 0 && errno == ENOMEM)
					atomic_fetch_add(&c->enomem, 1);
				close(fd);
			}
		} else {
			/* Both ends at once: this open is the first or races it. */
			fd = open(path, (id & 1) ? O_RDWR : O_RDONLY | O_NONBLOCK);
			fd2 = open(path, O_WRONLY | O_NONBLOCK);
			if (fd < 0 || (fd2 < 0 && errno != ENXIO)) {
				if (errno == ENOMEM)
					atomic_fetch_add(&c->enomem, 1);
				else
					fifo_note_bad(c, "fifo open failed");
			} else {
				atomic_fetch_add(&c->opens, 1);
				/* Alone on a fresh FIFO, check its data. */
				if (kind == 0 && fd2 >= 0)
					fifo_rw_check(c, fd2, fd, round * 131 + id);
			}
			if (fd >= 0)
				close(fd);
			if (fd2 >= 0)
				close(fd2);
		}
		pthread_barrier_wait(&c->bar);	/* round done */
	}
	return NULL;
}

static int do_fifo(int argc, char **argv)
{
	struct fifo_ctx c = { 0 };
	pthread_t th[FIFO_THREADS];
	int i, rounds = 0, kinds[3] = { 0 };
	char path[256];

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-f"))
			fail_mode = 1;
		else
			c.dir = argv[i];
	}
	if (!c.dir) {
		fprintf(stderr, "usage: soak-pipe fifo SECONDS DIR [-f]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	pthread_barrier_init(&c.bar, NULL, FIFO_THREADS + 1);
	for (i = 0; i < FIFO_THREADS; i++)
		if (pthread_create(&th[i], NULL, fifo_thread, &c))
			return 2;
	while (now() < deadline) {
		int kind = rounds % 3, n = kind == 0 ? FIFO_THREADS : 1;

		for (i = 0; i < n; i++) {
			fifo_path(path, sizeof(path), c.dir, rounds, i);
			if (mkfifo(path, 0600)) {
				perror("# soak-pipe: mkfifo");
				return 2;
			}
		}
		atomic_store(&c.round_kind, kind);
		atomic_store(&c.round, rounds);
		pthread_barrier_wait(&c.bar);	/* go */
		pthread_barrier_wait(&c.bar);	/* all done */
		for (i = 0; i < n; i++) {
			fifo_path(path, sizeof(path), c.dir, rounds, i);
			unlink(path);
		}
		kinds[kind]++;
		rounds++;
	}
	atomic_store(&c.stop, 1);
	pthread_barrier_wait(&c.bar);
	for (i = 0; i < FIFO_THREADS; i++)
		pthread_join(th[i], NULL);
	printf("soak-pipe: fifo: %d threads, %d rounds (%d fresh, %d shared, %d churn), "
	       "%llu opens of new FIFOs, %llu checked, %llu churn opens, %llu ENOMEM, %llu bad\n",
	       FIFO_THREADS, rounds, kinds[0], kinds[1], kinds[2],
	       (unsigned long long)c.opens, (unsigned long long)c.checked,
	       (unsigned long long)c.churn_opens, (unsigned long long)c.enomem,
	       (unsigned long long)c.bad);
	if (c.bad) {
		printf("# soak-pipe: fifo: %s\n", c.first_bad);
		return 1;
	}
	if (!kinds[0] || !kinds[1] || !kinds[2] || !c.checked) {
		printf("# soak-pipe: fifo did too little: every kind of round must run and data must be checked\n");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: soak-pipe stream|fifo SECONDS ...\n");
		return 2;
	}
	deadline = now() + atof(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "stream"))
		return do_stream(argc - 3, argv + 3);
	if (!strcmp(argv[1], "fifo"))
		return do_fifo(argc - 3, argv + 3);
	fprintf(stderr, "soak-pipe: unknown mode %s\n", argv[1]);
	return 2;
}
