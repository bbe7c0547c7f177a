// @generated automatically by Diesel CLI.

diesel::table! {
    auth_tokens (digest) {
        digest -> Text,
        kind -> Text,
        post_id -> Nullable<Integer>,
        expires_at_ms -> BigInt,
    }
}

diesel::table! {
    catalog_state (id) {
        id -> Integer,
        version -> Integer,
    }
}

diesel::table! {
    ingredient_references (kind, term) {
        kind -> Text,
        term -> Text,
        value -> Text,
    }
}

diesel::table! {
    ingredients (id) {
        id -> Integer,
        key -> Text,
        name -> Text,
        name_ko -> Nullable<Text>,
        functions -> Nullable<Text>,
    }
}

diesel::table! {
    post_views (post_id, viewer) {
        post_id -> Integer,
        viewer -> Text,
        seen_at_ms -> BigInt,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        category -> Text,
        title -> Text,
        body -> Text,
        author -> Text,
        password_hash -> Nullable<Text>,
        is_secret -> Bool,
        is_pinned -> Bool,
        status -> Text,
        product_id -> Nullable<Integer>,
        product_name -> Text,
        answer -> Text,
        answered_at -> Nullable<Text>,
        added_product_id -> Nullable<Integer>,
        view_count -> Integer,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    product_ingredients (product_id, position) {
        product_id -> Integer,
        position -> Integer,
        ingredient_id -> Integer,
    }
}

diesel::table! {
    rate_events (id) {
        id -> BigInt,
        kind -> Text,
        address -> Text,
        at_ms -> BigInt,
    }
}

diesel::table! {
    products (id) {
        id -> Integer,
        brand -> Text,
        name -> Text,
        category -> Text,
        price_cents -> Nullable<Integer>,
        currency -> Text,
        aliases -> Text,
        ingredients_raw -> Text,
        no_ingredients_reason -> Text,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(auth_tokens -> posts (post_id));
diesel::joinable!(post_views -> posts (post_id));
diesel::joinable!(product_ingredients -> ingredients (ingredient_id));
diesel::joinable!(product_ingredients -> products (product_id));

diesel::allow_tables_to_appear_in_same_query!(
    auth_tokens,
    catalog_state,
    ingredient_references,
    ingredients,
    post_views,
    posts,
    product_ingredients,
    products,
    rate_events,
);
