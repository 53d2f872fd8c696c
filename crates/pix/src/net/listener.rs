//! ITI-8 / ITI-10 receiver: an MLLP server that hands each ADT message to the application
//! as a typed [`Delivery`] and answers `AA` only once the application says it stored it.
//! Order messages of the types in [`ListenerConfig::order_types`] (e.g. `RDE^O11`,
//! `OMP^O09`) go, uninterpreted, to a second channel as [`OrderDelivery`] (see
//! [`MllpListener::run_with_orders`]) under the same acknowledgement rules.

use super::{BoxIo, unix_millis};
use crate::er7::Message;
use crate::feed::{self, AckCode, AckSender, FeedError, FeedEvent};
use crate::iti9::{ControlIds, hl7_timestamp};
use crate::mllp::{self, Decoder, FrameError};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

/// Who sent a message: MSH-3 (sending application) and MSH-4 (sending facility), as
/// sent. With MSH-10 it names a message uniquely, so a receiver can recognise a message
/// sent again after a lost ACK.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageSource {
    /// MSH-3, unescaped.
    pub application: String,
    /// MSH-4, unescaped.
    pub facility: String,
}

impl MessageSource {
    /// The sender named by `msg`'s MSH-3 and MSH-4 (empty when unreadable).
    #[must_use]
    pub fn of(msg: &Message<'_>) -> Self {
        let text = |field: usize| {
            msg.msh()
                .field(field)
                .text()
                .map(|t| t.into_owned())
                .unwrap_or_default()
        };
        Self {
            application: text(3),
            facility: text(4),
        }
    }
}

/// One received event, waiting for the application's verdict.
///
/// The listener answers the sender only after [`Delivery::accept`] (`AA`) or
/// [`Delivery::refuse`] (`AE`/`AR` with ERR). A delivery dropped unanswered is answered
/// `AE` ([`FeedError::NotDelivered`]), and one not answered within
/// [`ListenerConfig::apply_timeout`] `AE` ([`FeedError::NotStored`]): the sender keeps the
/// message and sends it again. Accept only after the event's change is durable.
///
/// ```
/// # async fn demo(mut rx: tokio::sync::mpsc::Receiver<bedside_pix::net::Delivery>) {
/// while let Some(delivery) = rx.recv().await {
///     // ... store delivery.event() in one committed transaction, then:
///     delivery.accept();
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct Delivery {
    event: FeedEvent,
    raw: Vec<u8>,
    source: MessageSource,
    reply: oneshot::Sender<Result<(), FeedError>>,
}

impl Delivery {
    /// The typed event.
    #[must_use]
    pub fn event(&self) -> &FeedEvent {
        &self.event
    }

    /// The message exactly as received (the MLLP frame's payload), for reading what the
    /// typed event leaves out, such as AL1 allergy segments:
    ///
    /// ```
    /// # fn demo(delivery: &bedside_pix::net::Delivery) -> Result<(), bedside_pix::er7::Er7Error> {
    /// let msg = bedside_pix::er7::Message::parse(delivery.raw())?;
    /// for al1 in msg.segments_by_id("AL1") {
    ///     println!("allergen {:?}", al1.field(3).component(2).text()?);
    /// }
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Who sent it (MSH-3, MSH-4); with the event's control id (MSH-10) it names the
    /// message.
    #[must_use]
    pub fn source(&self) -> &MessageSource {
        &self.source
    }

    /// The event's change is committed: the sender gets `AA`.
    pub fn accept(self) {
        let _ = self.reply.send(Ok(()));
    }

    /// The event was not applied: the sender gets `error`'s ACK code and ERR segment.
    pub fn refuse(self, error: FeedError) {
        let _ = self.reply.send(Err(error));
    }
}

/// One received order message (a type listed in [`ListenerConfig::order_types`]), waiting
/// for the application's verdict. The listener does not interpret it: the application
/// parses [`OrderDelivery::raw`] with [`crate::er7::Message::parse`] and reads it itself.
///
/// The acknowledgement rules are those of [`Delivery`]: `AA` only after
/// [`OrderDelivery::accept`]; [`OrderDelivery::refuse`] answers with the error's ACK code
/// and ERR segment (use [`FeedError::Application`] for what the order reader finds wrong);
/// dropped unanswered is `AE` ([`FeedError::NotDelivered`]); not answered within
/// [`ListenerConfig::apply_timeout`] is `AE` ([`FeedError::NotStored`]).
///
/// ```
/// # async fn demo(mut rx: tokio::sync::mpsc::Receiver<bedside_pix::net::OrderDelivery>) {
/// use bedside_pix::feed::FeedError;
/// while let Some(order) = rx.recv().await {
///     match bedside_pix::er7::Message::parse(order.raw()) {
///         // ... read and store the order in one committed transaction, then:
///         Ok(_msg) => order.accept(),
///         Err(_) => order.refuse(FeedError::Application {
///             code: 102,
///             location: "MSH^1".into(),
///             message: "order could not be read".into(),
///         }),
///     }
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct OrderDelivery {
    message_type: (String, String),
    control_id: String,
    raw: Vec<u8>,
    source: MessageSource,
    reply: oneshot::Sender<Result<(), FeedError>>,
}

impl OrderDelivery {
    /// MSH-9.1 and MSH-9.2 as sent, e.g. `("RDE", "O11")`: one of
    /// [`ListenerConfig::order_types`].
    #[must_use]
    pub fn message_type(&self) -> (&str, &str) {
        (&self.message_type.0, &self.message_type.1)
    }

    /// MSH-10, unescaped; with [`OrderDelivery::source`] it names the message.
    #[must_use]
    pub fn control_id(&self) -> &str {
        &self.control_id
    }

    /// The message exactly as received (the MLLP frame's payload), to parse with
    /// [`crate::er7::Message::parse`].
    #[must_use]
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Who sent it (MSH-3, MSH-4).
    #[must_use]
    pub fn source(&self) -> &MessageSource {
        &self.source
    }

    /// The order is committed: the sender gets `AA`.
    pub fn accept(self) {
        let _ = self.reply.send(Ok(()));
    }

    /// The order was not applied: the sender gets `error`'s ACK code and ERR segment.
    pub fn refuse(self, error: FeedError) {
        let _ = self.reply.send(Err(error));
    }
}

/// Listener settings.
///
/// ```
/// let c = bedside_pix::net::ListenerConfig::default();
/// assert_eq!(c.frame_timeout, std::time::Duration::from_secs(10));
/// ```
#[derive(Clone)]
pub struct ListenerConfig {
    /// MSH-3/MSH-4 of our ACKs.
    pub sender: AckSender,
    /// Frame size cap. Default 1 MiB.
    pub max_frame: usize,
    /// Time allowed to receive one frame once it has started. Default 10 s.
    pub frame_timeout: Duration,
    /// An idle connection is closed after this long. Default 300 s.
    pub idle_timeout: Duration,
    /// How long the application may take to accept or refuse a [`Delivery`] before the
    /// sender is answered `AE` (send again). Default 30 s.
    pub apply_timeout: Duration,
    /// Message types (MSH-9.1, MSH-9.2), e.g. `("RDE", "O11")` and `("OMP", "O09")`,
    /// delivered uninterpreted as [`OrderDelivery`] by [`MllpListener::run_with_orders`].
    /// Matched exactly, case included. Default empty: every non-ADT message is refused
    /// (`AR`, unsupported message type), as it also is under [`MllpListener::run`].
    pub order_types: Vec<(String, String)>,
    /// MLLP over TLS (feature `tls`).
    #[cfg(feature = "tls")]
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

impl core::fmt::Debug for ListenerConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ListenerConfig")
            .field("sender", &self.sender)
            .field("max_frame", &self.max_frame)
            .field("frame_timeout", &self.frame_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("apply_timeout", &self.apply_timeout)
            .field("order_types", &self.order_types)
            .finish_non_exhaustive()
    }
}

impl Default for ListenerConfig {
    fn default() -> Self {
        Self {
            sender: AckSender::default(),
            max_frame: mllp::DEFAULT_MAX_FRAME,
            frame_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(300),
            apply_timeout: Duration::from_secs(30),
            order_types: Vec::new(),
            #[cfg(feature = "tls")]
            tls: None,
        }
    }
}

/// An MLLP server for ITI-10 (`ADT^A31`) and ITI-8 (`ADT^A01/A04/A05/A08/A40`).
///
/// Each message is answered on its connection, in order, and the next frame on that
/// connection is read only after the answer: `AA` only after the application accepted its
/// [`Delivery`] (that is, stored it); `AE`/`AR` with ERR otherwise (see [`crate::feed`]).
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// let listener = bedside_pix::net::MllpListener::bind("127.0.0.1:0", Default::default()).await?;
/// let (tx, mut rx) = tokio::sync::mpsc::channel(64);
/// tokio::spawn(listener.run(tx));
/// while let Some(delivery) = rx.recv().await {
///     println!("{:?} from {:?}", delivery.event(), delivery.source());
///     delivery.accept();
/// }
/// # Ok(()) }
/// ```
pub struct MllpListener {
    listener: TcpListener,
    cfg: Arc<ListenerConfig>,
    counter: Arc<AtomicU64>,
}

impl core::fmt::Debug for MllpListener {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MllpListener")
            .field("local_addr", &self.listener.local_addr().ok())
            .finish_non_exhaustive()
    }
}

impl MllpListener {
    /// Binds the server socket.
    ///
    /// ```no_run
    /// # async fn demo() -> std::io::Result<()> {
    /// let l = bedside_pix::net::MllpListener::bind("127.0.0.1:0", Default::default()).await?;
    /// println!("{}", l.local_addr()?);
    /// # Ok(()) }
    /// ```
    pub async fn bind(addr: &str, cfg: ListenerConfig) -> std::io::Result<Self> {
        Ok(Self {
            listener: TcpListener::bind(addr).await?,
            cfg: Arc::new(cfg),
            counter: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The bound address.
    ///
    /// ```no_run
    /// # async fn demo(l: bedside_pix::net::MllpListener) -> std::io::Result<()> {
    /// let port = l.local_addr()?.port();
    /// # let _ = port; Ok(()) }
    /// ```
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts connections until the delivery receiver is dropped (or accept fails),
    /// serving each on its own task.
    ///
    /// ```no_run
    /// # async fn demo(l: bedside_pix::net::MllpListener) -> std::io::Result<()> {
    /// let (tx, _rx) = tokio::sync::mpsc::channel(8);
    /// l.run(tx).await
    /// # }
    /// ```
    pub async fn run(self, events: mpsc::Sender<Delivery>) -> std::io::Result<()> {
        self.serve_all(Channels {
            identity: events,
            orders: None,
        })
        .await
    }

    /// As [`MllpListener::run`], and also delivers the message types in
    /// [`ListenerConfig::order_types`] to `orders` as [`OrderDelivery`] (never to
    /// [`crate::feed::interpret_feed`]). Runs until both receivers are dropped; a message
    /// whose receiver is gone is answered `AE` ([`FeedError::NotDelivered`]).
    ///
    /// ```no_run
    /// # async fn demo() -> std::io::Result<()> {
    /// use bedside_pix::net::{ListenerConfig, MllpListener};
    /// let cfg = ListenerConfig {
    ///     order_types: vec![("RDE".into(), "O11".into()), ("OMP".into(), "O09".into())],
    ///     ..ListenerConfig::default()
    /// };
    /// let listener = MllpListener::bind("127.0.0.1:0", cfg).await?;
    /// let (identity, mut identity_rx) = tokio::sync::mpsc::channel(64);
    /// let (orders, mut orders_rx) = tokio::sync::mpsc::channel(64);
    /// tokio::spawn(listener.run_with_orders(identity, orders));
    /// tokio::spawn(async move {
    ///     while let Some(delivery) = identity_rx.recv().await {
    ///         // ... store delivery.event(), then:
    ///         delivery.accept();
    ///     }
    /// });
    /// while let Some(order) = orders_rx.recv().await {
    ///     println!("{:?} {} from {:?}", order.message_type(), order.control_id(), order.source());
    ///     // ... parse order.raw(), store the order, then:
    ///     order.accept();
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn run_with_orders(
        self,
        identity: mpsc::Sender<Delivery>,
        orders: mpsc::Sender<OrderDelivery>,
    ) -> std::io::Result<()> {
        self.serve_all(Channels {
            identity,
            orders: Some(orders),
        })
        .await
    }

    async fn serve_all(self, channels: Channels) -> std::io::Result<()> {
        loop {
            let (tcp, _) = tokio::select! {
                r = self.listener.accept() => r?,
                () = channels.closed() => return Ok(()),
            };
            let _ = tcp.set_nodelay(true);
            let cfg = self.cfg.clone();
            let counter = self.counter.clone();
            let events = channels.clone();
            tokio::spawn(async move {
                #[cfg(feature = "tls")]
                let io: BoxIo = match &cfg.tls {
                    Some(tls) => {
                        let acceptor = tokio_rustls::TlsAcceptor::from(tls.clone());
                        match tokio::time::timeout(cfg.frame_timeout, acceptor.accept(tcp)).await {
                            Ok(Ok(s)) => Box::new(s),
                            _ => return,
                        }
                    }
                    None => Box::new(tcp),
                };
                #[cfg(not(feature = "tls"))]
                let io: BoxIo = Box::new(tcp);
                serve(io, &cfg, &counter, &events).await;
            });
        }
    }
}

/// Where deliveries go: identity events always, orders only under `run_with_orders`.
#[derive(Clone)]
struct Channels {
    identity: mpsc::Sender<Delivery>,
    orders: Option<mpsc::Sender<OrderDelivery>>,
}

impl Channels {
    /// Resolves once nobody receives deliveries any more.
    async fn closed(&self) {
        self.identity.closed().await;
        if let Some(orders) = &self.orders {
            orders.closed().await;
        }
    }

    /// The order channel, when `msg`'s MSH-9.1/MSH-9.2 is a configured order type.
    fn order_channel(
        &self,
        msg: &Message<'_>,
        cfg: &ListenerConfig,
    ) -> Option<&mpsc::Sender<OrderDelivery>> {
        let orders = self.orders.as_ref()?;
        let (code, trigger, _) = msg.message_type();
        cfg.order_types
            .iter()
            .any(|(c, t)| c == code && t == trigger)
            .then_some(orders)
    }
}

/// Hands `item` to the application and waits for its verdict. The whole hand-over,
/// queueing included, is bounded: a stalled application gets the sender an AE (send
/// again), never an AA.
async fn hand_over<T>(
    channel: &mpsc::Sender<T>,
    item: T,
    verdict: oneshot::Receiver<Result<(), FeedError>>,
    cfg: &ListenerConfig,
) -> Result<(), FeedError> {
    tokio::time::timeout(cfg.apply_timeout, async {
        if channel.send(item).await.is_err() {
            return Err(FeedError::NotDelivered);
        }
        verdict.await.unwrap_or(Err(FeedError::NotDelivered))
    })
    .await
    .unwrap_or(Err(FeedError::NotStored))
}

/// MSH-10 and MSH-12 checks for an order message (the ADT path does these in
/// `interpret_feed`).
fn order_control_id(msg: &Message<'_>) -> Result<String, FeedError> {
    let version = msg.version();
    if !version.starts_with("2.") {
        return Err(FeedError::UnsupportedVersion {
            found: version.to_owned(),
        });
    }
    msg.control_id()
        .map(|c| c.into_owned())
        .map_err(|source| FeedError::BadValue {
            segment: "MSH",
            field: 10,
            source,
        })
}

fn ack_for(
    msg: Option<&Message<'_>>,
    code: AckCode,
    err: Option<&FeedError>,
    cfg: &ListenerConfig,
    counter: &AtomicU64,
) -> Vec<u8> {
    let ctrl = ControlIds::generate(unix_millis(), counter.fetch_add(1, Ordering::Relaxed));
    let ack = feed::build_ack(
        msg,
        code,
        err,
        &cfg.sender,
        &ctrl.message_control_id,
        &hl7_timestamp(unix_millis() / 1000),
    );
    mllp::encode(&ack).unwrap_or_default()
}

async fn handle_frame(
    frame: &[u8],
    cfg: &ListenerConfig,
    counter: &AtomicU64,
    events: &Channels,
) -> Vec<u8> {
    let msg = match Message::parse(frame) {
        Ok(m) => m,
        Err(e) => {
            let fe = FeedError::Unparseable(e);
            return ack_for(None, fe.ack_code(), Some(&fe), cfg, counter);
        }
    };
    let (reply, verdict) = oneshot::channel();
    let outcome = if let Some(orders) = events.order_channel(&msg, cfg) {
        let control_id = match order_control_id(&msg) {
            Ok(c) => c,
            Err(fe) => return ack_for(Some(&msg), fe.ack_code(), Some(&fe), cfg, counter),
        };
        let (code, trigger, _) = msg.message_type();
        let delivery = OrderDelivery {
            message_type: (code.to_owned(), trigger.to_owned()),
            control_id,
            raw: frame.to_vec(),
            source: MessageSource::of(&msg),
            reply,
        };
        hand_over(orders, delivery, verdict, cfg).await
    } else {
        let event = match feed::interpret_feed(&msg) {
            Ok(event) => event,
            Err(fe) => return ack_for(Some(&msg), fe.ack_code(), Some(&fe), cfg, counter),
        };
        let delivery = Delivery {
            event,
            raw: frame.to_vec(),
            source: MessageSource::of(&msg),
            reply,
        };
        hand_over(&events.identity, delivery, verdict, cfg).await
    };
    match outcome {
        Ok(()) => ack_for(Some(&msg), AckCode::Accept, None, cfg, counter),
        Err(fe) => ack_for(Some(&msg), fe.ack_code(), Some(&fe), cfg, counter),
    }
}

async fn serve(mut io: BoxIo, cfg: &ListenerConfig, counter: &AtomicU64, events: &Channels) {
    let mut decoder = Decoder::new(cfg.max_frame);
    let mut buf = vec![0u8; 8192];
    let mut frame_deadline: Option<tokio::time::Instant> = None;
    loop {
        // Answer every complete frame before reading more.
        while let Some(item) = decoder.pop() {
            let reply = match item {
                Ok(frame) => handle_frame(&frame, cfg, counter, events).await,
                Err(FrameError::FrameTooLarge { .. }) => {
                    let fe = FeedError::TooLarge;
                    ack_for(None, fe.ack_code(), Some(&fe), cfg, counter)
                }
                // Broken framing: the stream cannot be trusted any more.
                Err(_) => return,
            };
            if io.write_all(&reply).await.is_err() || io.flush().await.is_err() {
                return;
            }
        }
        let deadline = if decoder.is_idle() {
            frame_deadline = None;
            tokio::time::Instant::now() + cfg.idle_timeout
        } else {
            // The whole frame must arrive within frame_timeout of its first bytes.
            *frame_deadline.get_or_insert_with(|| tokio::time::Instant::now() + cfg.frame_timeout)
        };
        match tokio::time::timeout_at(deadline, io.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return,
            Ok(Ok(n)) => decoder.push(&buf[..n]),
        }
    }
}
