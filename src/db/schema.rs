// Written to match both migration folders; every column type here is
// portable between SQLite and PostgreSQL.

diesel::table! {
    organizers (id) {
        id -> Text,
        email -> Text,
        email_canonical -> Text,
        name -> Text,
        password_hash -> Text,
        is_admin -> Bool,
        verified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        locale -> Nullable<Text>,
        promoted_by -> Nullable<Text>,
        promoted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        organizer_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    petitions (id) {
        id -> Text,
        slug -> Text,
        owner_id -> Text,
        title -> Text,
        summary -> Text,
        body_markdown -> Text,
        body_html -> Text,
        goal -> BigInt,
        state -> Text,
        signature_count -> BigInt,
        closes_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        hidden_at -> Nullable<Timestamp>,
        hidden_reason -> Nullable<Text>,
        hidden_by -> Nullable<Text>,
        goal_reached_at -> Nullable<Timestamp>,
        language -> Text,
    }
}

diesel::table! {
    targets (id) {
        id -> Text,
        name -> Text,
        name_key -> Text,
        kind -> Text,
        suggested -> Bool,
    }
}

diesel::table! {
    petition_targets (petition_id, target_id) {
        petition_id -> Text,
        target_id -> Text,
        position -> Integer,
    }
}

diesel::table! {
    signatures (id) {
        id -> Text,
        petition_id -> Text,
        email -> Text,
        email_canonical -> Text,
        name -> Text,
        country -> Text,
        postcode -> Nullable<Text>,
        comment -> Nullable<Text>,
        public -> Bool,
        updates -> Bool,
        source -> Nullable<Text>,
        state -> Text,
        emails_sent -> Integer,
        ip -> Nullable<Text>,
        created_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        emails_window_start -> Nullable<Timestamp>,
        pending_until -> Nullable<Timestamp>,
        invalidation_id -> Nullable<Text>,
        locale -> Nullable<Text>,
        commitment -> Nullable<Binary>,
    }
}

diesel::table! {
    tokens (token_hash) {
        token_hash -> Text,
        purpose -> Text,
        signature_id -> Nullable<Text>,
        organizer_id -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        payload -> Nullable<Text>,
    }
}

diesel::table! {
    email_outbox (id) {
        id -> Text,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        action_url -> Nullable<Text>,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        signature_id -> Nullable<Text>,
        due_since -> Timestamp,
        update_id -> Nullable<Text>,
        list_unsubscribe -> Nullable<Text>,
        message -> Nullable<Text>,
        content_language -> Nullable<Text>,
        list_id -> Nullable<Text>,
    }
}

diesel::table! {
    petition_updates (id) {
        id -> Text,
        petition_id -> Text,
        author_id -> Nullable<Text>,
        subject -> Text,
        body_markdown -> Text,
        body_html -> Text,
        created_at -> Timestamp,
        cursor_confirmed_at -> Nullable<Timestamp>,
        cursor_signature_id -> Nullable<Text>,
        recipients -> BigInt,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    signature_count_shards (petition_id, shard) {
        petition_id -> Text,
        shard -> Integer,
        confirmed -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        organizer_id -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    signature_invalidations (id) {
        id -> Text,
        petition_id -> Text,
        admin_id -> Nullable<Text>,
        ip_range -> Nullable<Text>,
        email_domain -> Nullable<Text>,
        signed_since -> Nullable<Timestamp>,
        signed_before -> Nullable<Timestamp>,
        matched -> BigInt,
        confirmed -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> organizers (organizer_id));
diesel::joinable!(api_tokens -> organizers (organizer_id));
diesel::joinable!(petitions -> organizers (owner_id));
diesel::joinable!(petition_targets -> petitions (petition_id));
diesel::joinable!(petition_targets -> targets (target_id));
diesel::joinable!(signatures -> petitions (petition_id));
diesel::joinable!(email_outbox -> signatures (signature_id));
diesel::joinable!(signature_count_shards -> petitions (petition_id));
diesel::joinable!(petition_updates -> petitions (petition_id));
diesel::joinable!(email_outbox -> petition_updates (update_id));
diesel::joinable!(signature_invalidations -> petitions (petition_id));

diesel::table! {
    log_states (petition_id) {
        petition_id -> Text,
        size -> BigInt,
        adds -> BigInt,
        revokes -> BigInt,
        head_seq -> BigInt,
        head_size -> BigInt,
        head_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    log_leaves (petition_id, idx) {
        petition_id -> Text,
        idx -> BigInt,
        kind -> Text,
        revokes -> Nullable<BigInt>,
        day -> Text,
        commitment -> Binary,
        leaf_hash -> Binary,
    }
}

diesel::table! {
    log_nodes (petition_id, level, idx) {
        petition_id -> Text,
        level -> Integer,
        idx -> BigInt,
        hash -> Binary,
    }
}

diesel::table! {
    log_heads (petition_id, seq) {
        petition_id -> Text,
        seq -> BigInt,
        tree_size -> BigInt,
        root_hash -> Binary,
        adds -> BigInt,
        revokes -> BigInt,
        published_at -> Timestamp,
        signature -> Binary,
    }
}

diesel::table! {
    log_queue (id) {
        id -> BigInt,
        petition_id -> Text,
        kind -> Text,
        commitment -> Binary,
        day -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    log_queue,
    log_states,
    log_leaves,
    log_heads,
    organizers,
    sessions,
    api_tokens,
    petitions,
    targets,
    petition_targets,
    signatures,
    tokens,
    email_outbox,
    signature_count_shards,
    petition_updates,
    signature_invalidations,
);
